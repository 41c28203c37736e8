// A future that holds a MutexGuard across an .await is accepted by a spawn
// that keeps the future on one thread (tokio::task::spawn_local's bound).
//     rustc --edition 2021 send_local.rs && ./send_local
use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

// The bound tokio::task::spawn_local puts on its future: no Send.
fn spawn_local<F: Future + 'static>(future: F) -> F::Output {
    // Stand-in: run it here, on this thread, until it is Ready.
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

static CART: Mutex<Vec<u32>> = Mutex::new(Vec::new());

async fn other() -> usize {
    1
}

// --8<-- [start:count]
async fn count(cart: &'static Mutex<Vec<u32>>) -> usize {
    let guard = cart.lock().unwrap();
    let n = guard.len();
    drop(guard);
    n + other().await
}
// --8<-- [end:count]

fn main() {
    CART.lock().unwrap().extend([12, 58]);
    println!("count() = {}", spawn_local(count(&CART)));
}
