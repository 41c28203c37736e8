// A future that borrows a local of `main`, given to a spawn that needs it to
// be 'static: rustc rejects this listing; borrow_moved.rs is the fix.
use std::future::Future;

/// The bound `tokio::spawn` puts on its future (tokio/src/task/spawn.rs),
/// on a std-only stand-in that runs the future on a thread of its own.
fn spawn<F>(future: F) -> std::thread::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || block_on(future))
}

// --8<-- [start:total]
async fn total(prices: &[u32]) -> u32 {
    prices.iter().sum()
}

fn main() {
    let prices = vec![12, 58];
    let sum = spawn(total(&prices)).join().unwrap();
    println!("total: {sum}, on another thread");
}
// --8<-- [end:total]

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
