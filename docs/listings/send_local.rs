// Two futures that are not `Send`, given to a spawn that keeps the future on
// the thread that made it: no `Send` is asked for, so rustc accepts both.
// One holds an `Rc` across an `.await`; the other is send_guard_drop.rs's
// count_visit, unchanged. Builds and runs with plain `rustc`.
use std::future::Future;
use std::rc::Rc;
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

// --8<-- [start:rc]
/// `Rc` counts its owners without atomic operations, so it is not `Send`.
async fn total(prices: Rc<Vec<u32>>) -> u32 {
    log_line("adding the prices").await;
    prices.iter().sum()
}

async fn log_line(line: &str) {
    println!("{line}");
}
// --8<-- [end:rc]

fn main() {
    // --8<-- [start:main]
    let prices = Rc::new(vec![12, 58]);
    let total = spawn_local(total(Rc::clone(&prices)));
    println!("total() = {total}, on this thread");
    let visits = spawn_local(count_visit());
    println!("count_visit() = {visits}, on this thread");
    // --8<-- [end:main]
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
