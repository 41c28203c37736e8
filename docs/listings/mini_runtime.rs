// The plumbing shared by the cart_total listings: a one-shot channel and a
// single-task executor that records every poll. Standard library only, so
// plain `rustc` builds the listings; in a real program these would be Tokio's
// `sync::oneshot` and runtime.
#![allow(dead_code)]

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

thread_local! {
    // Who is calling `wake()` right now, and which leaf future last returned
    // Pending: notes for the trace only. Real wakers carry no such labels.
    static WAKING: RefCell<Option<String>> = const { RefCell::new(None) };
    static AWAITING: RefCell<Option<&'static str>> =
        const { RefCell::new(None) };
}

struct Shared<T> {
    name: &'static str,
    value: Option<T>,
    waker: Option<Waker>,
    sender_gone: bool,
    received: bool,
}

/// The sending half: `send` stores the value and wakes the receiver's task.
pub struct Sender<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

/// The receiving half: a leaf future that is Ready once a value is sent.
pub struct Receiver<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

pub fn channel<T>(name: &'static str) -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(RefCell::new(Shared {
        name,
        value: None,
        waker: None,
        sender_gone: false,
        received: false,
    }));
    let receiver = Receiver {
        shared: Rc::clone(&shared),
    };
    (Sender { shared }, receiver)
}

// --8<-- [start:send]
impl<T> Sender<T> {
    pub fn send(self, value: T) {
        let (name, waker) = {
            let mut shared = self.shared.borrow_mut();
            shared.value = Some(value);
            (shared.name, shared.waker.take())
        };
        if let Some(waker) = waker {
            note_waking(format!("{name} sender")); // for the trace only
            waker.wake();
        }
    }
}
// --8<-- [end:send]

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        // A receiver must not wait for a sender that no longer exists.
        let (name, waker) = {
            let mut shared = self.shared.borrow_mut();
            shared.sender_gone = true;
            (shared.name, shared.waker.take())
        };
        if let Some(waker) = waker {
            note_waking(format!("{name} sender (dropped)"));
            waker.wake();
        }
    }
}

// --8<-- [start:receiver]
impl<T> Future for Receiver<T> {
    type Output = T;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut shared = self.shared.borrow_mut();
        if let Some(value) = shared.value.take() {
            shared.received = true;
            return Poll::Ready(value);
        }
        assert!(
            !shared.received,
            "the {} receiver was polled after Ready",
            shared.name
        );
        if shared.sender_gone {
            // Tokio's receiver returns Err(RecvError) here instead.
            panic!("the {} sender was dropped without sending", shared.name);
        }
        // Store the waker *before* returning Pending: the sender needs it.
        // Keep the one from this poll; clone it only if it wakes another task.
        match &shared.waker {
            Some(stored) if stored.will_wake(cx.waker()) => {}
            _ => shared.waker = Some(cx.waker().clone()),
        }
        // For the trace only.
        AWAITING.with(|awaiting| *awaiting.borrow_mut() = Some(shared.name));
        Poll::Pending
    }
}
// --8<-- [end:receiver]

/// Tell the trace who is about to call `wake()`.
fn note_waking(who: String) {
    WAKING.with(|waking| *waking.borrow_mut() = Some(who));
}

// --8<-- [start:executor]
/// A task's waker: `wake()` marks the task ready to be polled again.
struct TaskWaker {
    queued: AtomicBool,
    woken_by: Mutex<Vec<String>>, // for the trace only
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        note_who_woke(&self.woken_by);
        self.queued.store(true, Ordering::SeqCst);
    }
}

/// Poll `future` whenever its waker has been woken. When nothing is ready,
/// run the next scripted event (a price arriving); when none is left, the
/// task is stuck and we say so instead of hanging.
pub fn block_on<F: Future>(
    task: &str,
    future: F,
    label: impl Fn(&F) -> Option<String>,
    events: Vec<Box<dyn FnOnce()>>,
) -> (F::Output, Vec<[String; 6]>)
where
    F::Output: std::fmt::Debug,
{
    let task_waker = Arc::new(TaskWaker {
        queued: AtomicBool::new(true), // spawned: ready for its first poll
        woken_by: Mutex::new(vec!["spawn".to_string()]),
    });
    let waker = Waker::from(Arc::clone(&task_waker));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let mut events = events.into_iter();
    let mut trace = Trace::new(task);
    loop {
        if !task_waker.queued.swap(false, Ordering::SeqCst) {
            match events.next() {
                Some(event) => event(),
                None => panic!(
                    "task {task} is stuck in state {}: nothing can wake it",
                    trace.state
                ),
            }
            continue;
        }
        let woken_by =
            std::mem::take(&mut *task_waker.woken_by.lock().unwrap());
        let result = future.as_mut().poll(&mut cx);
        trace.record(woken_by, &result, label(future.as_ref().get_ref()));
        if let Poll::Ready(output) = result {
            return (output, trace.rows);
        }
    }
}
// --8<-- [end:executor]

fn note_who_woke(woken_by: &Mutex<Vec<String>>) {
    let who = WAKING.with(|waking| waking.borrow_mut().take());
    let who = who.unwrap_or_else(|| "a waker".to_string());
    let mut woken_by = woken_by.lock().unwrap();
    if !woken_by.contains(&who) {
        woken_by.push(who);
    }
}

/// The rows of the trace: poll, task, woken by, state before, state after,
/// result.
struct Trace {
    task: String,
    state: String,
    rows: Vec<[String; 6]>,
}

impl Trace {
    fn new(task: &str) -> Trace {
        AWAITING.with(|awaiting| *awaiting.borrow_mut() = None);
        Trace {
            task: task.to_string(),
            state: "Start".to_string(),
            rows: Vec::new(),
        }
    }

    fn record<T: std::fmt::Debug>(
        &mut self,
        woken_by: Vec<String>,
        result: &Poll<T>,
        label: Option<String>,
    ) {
        // The leaf that returned Pending in this poll names the state, unless
        // the future labels its own states.
        let awaiting = AWAITING.with(|awaiting| awaiting.borrow_mut().take());
        let after = match (result, label, awaiting) {
            (Poll::Ready(_), _, _) => "Done".to_string(),
            (Poll::Pending, Some(label), _) => label,
            (Poll::Pending, None, Some(leaf)) => format!("awaiting {leaf}"),
            (Poll::Pending, None, None) => "Pending".to_string(),
        };
        let shown = match result {
            Poll::Ready(output) => format!("Ready({output:?})"),
            Poll::Pending => "Pending".to_string(),
        };
        let before = std::mem::replace(&mut self.state, after.clone());
        let poll = (self.rows.len() + 1).to_string();
        self.rows.push([
            poll,
            self.task.clone(),
            woken_by.join(", "),
            before,
            after,
            shown,
        ]);
    }
}

/// The trace as an aligned table: the same layout the Python model prints.
pub fn format_trace(trace: &[[String; 6]]) -> String {
    let mut rows = vec![[
        "poll",
        "task",
        "woken by",
        "state before",
        "state after",
        "result",
    ]
    .map(String::from)];
    rows.extend(trace.iter().cloned());
    let widths: Vec<usize> = (0..6)
        .map(|column| {
            rows.iter().map(|row| row[column].len()).max().unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run one cart_total scenario and print its trace: make the two channels,
/// send the `sent_early` prices before the first poll, and send the others in
/// the order `arrivals` names, one each time the executor has nothing to poll.
pub fn run_scenario<F>(
    name: &str,
    sent_early: &[&str],
    arrivals: &[&str],
    make: impl FnOnce(Receiver<u32>, Receiver<u32>) -> F,
    label: impl Fn(&F) -> Option<String>,
) where
    F: Future<Output = u32>,
{
    let (socks_tx, socks) = channel::<u32>("socks");
    let (shoes_tx, shoes) = channel::<u32>("shoes");
    let mut senders = vec![
        (
            "socks",
            Some(Box::new(move || socks_tx.send(12)) as Box<dyn FnOnce()>),
        ),
        (
            "shoes",
            Some(Box::new(move || shoes_tx.send(58)) as Box<dyn FnOnce()>),
        ),
    ];
    let mut take = |item: &str| {
        let slot = senders.iter_mut().find(|(name, _)| *name == item).unwrap();
        slot.1.take().unwrap()
    };
    for item in sent_early {
        take(item)();
    }
    let events: Vec<Box<dyn FnOnce()>> =
        arrivals.iter().map(|item| take(item)).collect();
    let (_total, trace) =
        block_on("cart_total", make(socks, shoes), label, events);
    println!("scenario: {name}");
    println!("{}\n", format_trace(&trace));
}
