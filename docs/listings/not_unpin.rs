// Every `async fn` future is `!Unpin`: `Pin::new` accepts only `Unpin`
// types, so polling one through `Pin::new(&mut future)` is rejected.
// `std::pin::pin!` pins it in place instead. rustc rejects this listing.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

async fn e() {}

fn main() {
    let mut future = e();
    let mut context = Context::from_waker(Waker::noop());
    let _ = Pin::new(&mut future).poll(&mut context);
}
