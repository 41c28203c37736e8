// send_guard_drop.rs, unchanged, given to a spawn that keeps the future on
// the thread that made it: no `Send` is asked for, so rustc accepts it.
// Builds and runs with plain `rustc`.
use std::future::Future;
use std::sync::Mutex;

static VISITS: Mutex<u32> = Mutex::new(0);

// --8<-- [start:spawn_local]
/// The bound `tokio::task::spawn_local` puts on its future (in
/// tokio/src/task/local.rs): `'static`, and no `Send`. The stand-in runs the
/// future here, on the current thread.
fn spawn_local<F>(future: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    block_on(future)
}
// --8<-- [end:spawn_local]

async fn count_visit() -> u32 {
    let mut guard = VISITS.lock().unwrap();
    *guard += 1;
    let visits = *guard;
    drop(guard);
    log(visits).await;
    visits
}

async fn log(visits: u32) {
    println!("visit {visits}");
}

fn main() {
    let visits = spawn_local(count_visit());
    println!("count_visit() = {visits}, on this thread");
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
