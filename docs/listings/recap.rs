// Creating a future runs none of its body; polling it does.
// Builds with plain `rustc` (edition 2021, std only).
// --8<-- [start:uses]
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
// --8<-- [end:uses]

// --8<-- [start:brew]
async fn brew() -> &'static str {
    println!("boil water");
    println!("steep leaves");
    "tea"
}
// --8<-- [end:brew]

fn main() {
    // --8<-- [start:main]
    let future = brew();
    println!("future created, nothing has run yet");

    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(drink) => println!("poll 1: Ready({drink})"),
        Poll::Pending => println!("poll 1: Pending"),
    }
    // --8<-- [end:main]
}
