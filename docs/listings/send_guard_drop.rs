// A `MutexGuard` borrowed, then dropped before the `.await`: the lock is
// free there (send_guard_released.rs), but the guard's slot stays in the
// state, so the future is not `Send`. The fix: send_guard_block.rs.
use std::future::Future;
use std::sync::Mutex;

static VISITS: Mutex<u32> = Mutex::new(0);

/// The bound `tokio::spawn` puts on its future (tokio/src/task/spawn.rs),
/// on a std-only stand-in that runs the future on a thread of its own.
fn spawn<F>(future: F) -> std::thread::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || block_on(future))
}

// --8<-- [start:count]
async fn count_visit() -> u32 {
    let mut guard = VISITS.lock().unwrap();
    *guard += 1;
    let visits = *guard;
    drop(guard);
    log(visits).await;
    visits
}
// --8<-- [end:count]

async fn log(visits: u32) {
    println!("visit {visits}");
}

fn main() {
    let visits = spawn(count_visit()).join().unwrap();
    assert_eq!(visits, 1);
}

/// Polls `future` until it is ready (the futures here never wait).
fn block_on<F: Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}
