// Serving clients that wait: one blocking thread, a thread per client, and
// async tasks on one thread; then CPU-bound jobs, one after another and as
// tasks. Builds with plain `rustc` (edition 2021, std only): the executor and
// the timer are written out below instead of coming from Tokio.
//
// Timings vary from machine to machine, so the program prints counts, and
// checks each time against a bound that holds on any machine.
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

const CLIENTS: usize = 10;
const LATENCY: Duration = Duration::from_millis(50);

// --8<-- [start:blocking]
/// One client's request on a thread: the thread sleeps through the wait.
fn handle_blocking() -> ThreadId {
    thread::sleep(LATENCY); // this thread can do nothing else meanwhile
    thread::current().id()
}

fn serve_blocking(clients: usize) -> Vec<ThreadId> {
    (0..clients).map(|_| handle_blocking()).collect()
}
// --8<-- [end:blocking]

// --8<-- [start:threads]
fn serve_threads(clients: usize) -> Vec<ThreadId> {
    let threads: Vec<_> = (0..clients)
        .map(|_| thread::spawn(handle_blocking))
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}
// --8<-- [end:threads]

// --8<-- [start:sleep]
/// A timer entry: the waker of the task waiting for the deadline.
type Entry = Rc<RefCell<Waker>>;

thread_local! {
    // The timers of this thread's executor: a deadline and its entry.
    static TIMERS: RefCell<Vec<(Instant, Entry)>> = RefCell::new(Vec::new());
}

/// Like `tokio::time::Sleep`: ready at its deadline; until then, it leaves
/// its waker with the timers and returns `Pending`. Its first such poll
/// registers an entry; later ones only replace the entry's waker, and only
/// when it would wake another task.
struct Sleep {
    deadline: Instant,
    entry: Option<Entry>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        if let Some(entry) = &self.entry {
            let mut waker = entry.borrow_mut();
            if !waker.will_wake(cx.waker()) {
                *waker = cx.waker().clone();
            }
            return Poll::Pending;
        }
        let entry = Rc::new(RefCell::new(cx.waker().clone()));
        let deadline = self.deadline;
        TIMERS.with(|t| t.borrow_mut().push((deadline, Rc::clone(&entry))));
        self.entry = Some(entry);
        Poll::Pending
    }
}

fn sleep(duration: Duration) -> Sleep {
    Sleep {
        deadline: Instant::now() + duration,
        entry: None,
    }
}

/// The timer driver's turn: sleep until the earliest deadline, then wake
/// every task whose deadline has passed. Returns false if no timer is left.
fn turn_timers() -> bool {
    let Some(earliest) =
        TIMERS.with(|t| t.borrow().iter().map(|(d, _)| *d).min())
    else {
        return false;
    };
    thread::sleep(earliest.saturating_duration_since(Instant::now()));
    let now = Instant::now();
    let due: Vec<Entry> = TIMERS.with(|timers| {
        let mut timers = timers.borrow_mut();
        let (due, later) = timers.drain(..).partition(|(d, _)| *d <= now);
        *timers = later;
        due.into_iter().map(|(_, entry)| entry).collect()
    });
    due.iter().for_each(|entry| entry.borrow().wake_by_ref());
    true
}
// --8<-- [end:sleep]

// --8<-- [start:executor]
type Task<T> = Pin<Box<dyn Future<Output = T>>>;

/// Waking a task puts its number back on the run queue, unless it is
/// there already: two wakes before its next poll bring one poll.
struct TaskWaker {
    task: usize,
    queued: AtomicBool,
    run_queue: Arc<Mutex<VecDeque<usize>>>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::SeqCst) {
            self.run_queue.lock().unwrap().push_back(self.task);
        }
    }
}

/// Poll every task that has been woken; when none has, turn the timers.
fn run_all<T>(futures: Vec<Task<T>>) -> Vec<T> {
    let run_queue =
        Arc::new(Mutex::new((0..futures.len()).collect::<VecDeque<_>>()));
    // One waker per task, made once: every poll hands out the same one.
    let wakers: Vec<Arc<TaskWaker>> = (0..futures.len())
        .map(|task| {
            let queued = AtomicBool::new(true); // spawned: in the queue
            let run_queue = Arc::clone(&run_queue);
            Arc::new(TaskWaker {
                task,
                queued,
                run_queue,
            })
        })
        .collect();
    let mut tasks: Vec<Option<Task<T>>> =
        futures.into_iter().map(Some).collect();
    let mut outputs = Vec::new();
    while outputs.len() < tasks.len() {
        let next = run_queue.lock().unwrap().pop_front();
        let Some(number) = next else {
            assert!(
                turn_timers(),
                "tasks are waiting, but nothing can wake them"
            );
            continue;
        };
        wakers[number].queued.store(false, Ordering::SeqCst);
        let Some(task) = tasks[number].as_mut() else {
            continue; // finished already
        };
        let waker = Waker::from(Arc::clone(&wakers[number]));
        if let Poll::Ready(output) =
            task.as_mut().poll(&mut Context::from_waker(&waker))
        {
            outputs.push(output);
            tasks[number] = None;
        }
    }
    outputs
}
// --8<-- [end:executor]

// --8<-- [start:async]
/// One client's request as a task: the wait hands the thread back.
async fn handle() -> ThreadId {
    sleep(LATENCY).await;
    thread::current().id()
}

fn serve_async(clients: usize) -> Vec<ThreadId> {
    let tasks: Vec<Task<ThreadId>> = (0..clients)
        .map(|_| Box::pin(handle()) as Task<ThreadId>)
        .collect();
    run_all(tasks)
}
// --8<-- [end:async]

// --8<-- [start:crunch]
/// Keep the CPU busy for `duration` (std has no CPU clock; this spins).
fn compute(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

/// Like `tokio::task::yield_now`: `Pending` once, then `Ready`. This one
/// wakes its own task at once, so it goes behind every task already queued.
/// Tokio's defers the wake until its scheduler next checks its timers and
/// I/O, which it does when it runs out of tasks and now and then between
/// them. Tokio promises no order: it may poll the yielding task again first.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A CPU-bound job as a task: compute in slices, yielding in between.
async fn crunch() -> ThreadId {
    for _ in 0..4 {
        compute(LATENCY / 4);
        YieldNow(false).await;
    }
    thread::current().id()
}
// --8<-- [end:crunch]

/// What each run must show, whatever the machine: a lower bound that a
/// sleep or a spin guarantees, or an upper bound with a wide margin.
enum Took {
    AtLeast(u32),
    Under(u32),
}

fn report(what: &str, start: Instant, served_by: Vec<ThreadId>, took: Took) {
    let elapsed = start.elapsed();
    let threads: HashSet<ThreadId> = served_by.iter().copied().collect();
    let (claim, holds) = match took {
        Took::AtLeast(n) => (format!("at least {n}"), elapsed >= LATENCY * n),
        Took::Under(n) => (format!("under {n}"), elapsed < LATENCY * n),
    };
    println!(
        "{what:<20} {} served by {:>2} thread(s); took {claim} x L: {holds}",
        served_by.len(),
        threads.len(),
    );
}

fn main() {
    let start = Instant::now();
    let served_by = serve_blocking(CLIENTS);
    report("one blocking thread:", start, served_by, Took::AtLeast(10));

    let start = Instant::now();
    let served_by = serve_threads(CLIENTS);
    report("a thread per client:", start, served_by, Took::Under(5));

    let start = Instant::now();
    let served_by = serve_async(CLIENTS);
    report("async tasks:", start, served_by, Took::Under(5));

    let start = Instant::now();
    let served_by = (0..CLIENTS)
        .map(|_| {
            compute(LATENCY);
            thread::current().id()
        })
        .collect();
    report("cpu jobs in turn:", start, served_by, Took::AtLeast(10));

    let start = Instant::now();
    let tasks = (0..CLIENTS)
        .map(|_| Box::pin(crunch()) as Task<ThreadId>)
        .collect();
    let served_by = run_all(tasks);
    report("cpu jobs as tasks:", start, served_by, Took::AtLeast(10));
}
