// The lock taken in a plain (not async) function: the guard lives and dies
// inside one call, so no state of the future can hold it.
//     rustc --edition 2021 send_helper.rs && ./send_helper
use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

// The bound tokio::spawn puts on its future (tokio/src/task/spawn.rs).
fn spawn<F: Future + Send + 'static>(future: F) -> F::Output {
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

// --8<-- [start:helper]
fn item_count(cart: &Mutex<Vec<u32>>) -> usize {
    cart.lock().unwrap().len() // the guard is dropped here
}

async fn count(cart: &'static Mutex<Vec<u32>>) -> usize {
    let n = item_count(cart);
    n + other().await
}
// --8<-- [end:helper]

fn main() {
    CART.lock().unwrap().extend([12, 58]);
    println!("count() = {}", spawn(count(&CART)));
}
