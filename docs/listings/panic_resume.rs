// A panic inside poll leaves the future in its Panicked state; polling it
// again panics with rustc's own message.
//     rustc --edition 2021 panic_resume.rs && ./panic_resume
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::task::{Context, Waker};

// --8<-- [start:cart_total]
async fn cart_total(prices: Vec<u32>) -> u32 {
    let socks_price = prices[0];
    let shoes_price = prices[1]; // panics: the shoes price is missing
    socks_price + shoes_price
}
// --8<-- [end:cart_total]

/// Polls once, and prints what happened: a result or a panic's message.
fn poll_once(n: u32, future: Pin<&mut impl Future<Output = u32>>) {
    let mut cx = Context::from_waker(Waker::noop());
    match panic::catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
        Ok(poll) => println!("poll {n}: {poll:?}"),
        Err(panic) => {
            let message = match panic.downcast_ref::<String>() {
                Some(message) => message.as_str(),
                None => panic.downcast_ref::<&str>().copied().unwrap_or("?"),
            };
            println!("poll {n} panicked: {message}");
        }
    }
}

fn main() {
    // Keep the default hook's report off stderr; the output says it all.
    panic::set_hook(Box::new(|_| {}));
    // --8<-- [start:main]
    let mut future = pin!(cart_total(vec![12]));
    poll_once(1, future.as_mut());
    poll_once(2, future.as_mut());
    // --8<-- [end:main]
}
