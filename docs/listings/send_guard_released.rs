// send_guard_drop.rs's `count_visit`, run on this thread, where nothing
// asks for `Send`: rustc accepts it. Suspended at its `.await`, the future
// holds no lock, because `drop(guard)` released it; what it keeps is the
// guard's slot (-Zprint-type-sizes lists `guard` in the suspended state).
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

static VISITS: Mutex<u32> = Mutex::new(0);

async fn count_visit() -> u32 {
    let mut guard = VISITS.lock().unwrap();
    *guard += 1;
    let visits = *guard;
    drop(guard);
    log(visits).await;
    visits
}

/// A log that prints the line, then makes its caller wait once.
fn log(visits: u32) -> Log {
    Log {
        visits,
        printed: false,
    }
}

struct Log {
    visits: u32,
    printed: bool,
}

impl Future for Log {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.printed {
            return Poll::Ready(());
        }
        println!("visit {}", self.visits);
        self.printed = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// --8<-- [start:main]
fn main() {
    let mut future = pin!(count_visit());
    let mut cx = Context::from_waker(Waker::noop());
    println!("first poll: {:?}", future.as_mut().poll(&mut cx));
    println!("lock free while suspended: {}", VISITS.try_lock().is_ok());
    println!("second poll: {:?}", future.as_mut().poll(&mut cx));
}
// --8<-- [end:main]
