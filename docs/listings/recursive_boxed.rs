// The recursive call boxed: the future holds a pointer to the inner one.
//     rustc --edition 2021 recursive_boxed.rs && ./recursive_boxed
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

// --8<-- [start:count_down]
async fn count_down(n: u32) -> u32 {
    if n > 0 {
        Box::pin(count_down(n - 1)).await + 1
    } else {
        0
    }
}
// --8<-- [end:count_down]

fn main() {
    // --8<-- [start:main]
    let future = count_down(3);
    println!(
        "size_of_val(&count_down(3)) = {} bytes",
        size_of_val(&future)
    );
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    if let Poll::Ready(levels) = future.as_mut().poll(&mut cx) {
        println!("count_down(3) went {levels} levels down");
    }
    // --8<-- [end:main]
}
