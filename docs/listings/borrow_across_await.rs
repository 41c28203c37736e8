// A local borrowed across an .await: the reference points into the future.
//     rustc --edition 2021 borrow_across_await.rs && ./borrow_across_await
use std::future::Future;
use std::ops::Range;
use std::pin::{pin, Pin};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// Where the future being polled sits in memory, for the body to compare.
static FUTURE_AT: Mutex<Range<usize>> = Mutex::new(0..0);

/// Pending once, then Ready: a place where the future stops.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

// --8<-- [start:first_price]
async fn first_price() -> u32 {
    let prices = [12, 58];
    let first = &prices[0]; // a borrow of a local...
    YieldNow(false).await; // ...kept across an .await
    let at = first as *const u32 as usize;
    let inside = FUTURE_AT.lock().unwrap().contains(&at);
    println!("`first` points into the future itself: {inside}");
    *first
}
// --8<-- [end:first_price]

fn main() {
    // --8<-- [start:main]
    let mut future = pin!(first_price());
    let (start, size) = (&*future as *const _ as usize, size_of_val(&*future));
    println!("the future: {size} bytes");
    *FUTURE_AT.lock().unwrap() = start..start + size;
    let mut cx = Context::from_waker(Waker::noop());
    println!("poll 1: {:?}", future.as_mut().poll(&mut cx));
    println!("poll 2: {:?}", future.as_mut().poll(&mut cx));
    // --8<-- [end:main]
}
