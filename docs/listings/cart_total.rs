// `async fn cart_total`, polled step by step. Builds with plain `rustc`:
//     rustc --edition 2021 cart_total.rs && ./cart_total
mod mini_runtime;

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::{Context, Waker};

use mini_runtime::{channel, run_scenario, Receiver};

// --8<-- [start:cart_total]
async fn cart_total(socks: Receiver<u32>, shoes: Receiver<u32>) -> u32 {
    let socks_price = socks.await;
    let shoes_price = shoes.await;
    socks_price + shoes_price
}
// --8<-- [end:cart_total]

/// Run `cart_total` with the prices arriving in the order `arrivals` names;
/// `sent_early` prices are sent before the first poll.
fn scenario(name: &str, sent_early: &[&str], arrivals: &[&str]) {
    run_scenario(name, sent_early, arrivals, cart_total, |_| None);
}

fn main() {
    // --8<-- [start:main]
    scenario("one-by-one", &[], &["socks", "shoes"]);
    scenario("already-there", &["socks", "shoes"], &[]);
    scenario("other-order", &[], &["shoes", "socks"]);
    // --8<-- [end:main]

    // --8<-- [start:size]
    let (_socks_tx, socks) = channel::<u32>("socks");
    let (_shoes_tx, shoes) = channel::<u32>("shoes");
    let future = cart_total(socks, shoes);
    println!(
        "size_of_val(&cart_total(..)) = {} bytes",
        std::mem::size_of_val(&future)
    );
    println!(
        "size_of::<Receiver<u32>>()   = {} bytes",
        std::mem::size_of::<Receiver<u32>>()
    );
    // --8<-- [end:size]

    // --8<-- [start:after_ready]
    let (socks_tx, socks) = channel::<u32>("socks");
    let (shoes_tx, shoes) = channel::<u32>("shoes");
    socks_tx.send(12);
    shoes_tx.send(58);
    let mut future = pin!(cart_total(socks, shoes));
    let mut cx = Context::from_waker(Waker::noop());
    println!("poll 1: {:?}", future.as_mut().poll(&mut cx));
    // Poll it again, catching the panic to print its message.
    let again =
        panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    match again {
        Ok(poll) => println!("poll 2: {poll:?}"),
        Err(panic) => match panic.downcast_ref::<&str>() {
            Some(message) => println!("poll 2 panicked: {message}"),
            None => println!("poll 2 panicked"),
        },
    }
    // --8<-- [end:after_ready]
}
