// `expr.await`, simplified: the loop rustc puts in place of an `.await`,
// written here inside `main` with a waker that does nothing. Builds and
// runs with plain `rustc` 1.85 or later (`Waker::noop`).
use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

fn main() {
    let expr = std::future::ready(7); // anything that is `IntoFuture`
    let mut cx = Context::from_waker(Waker::noop());
    // --8<-- [start:await]
    // let value = expr.await;
    let mut awaitee = pin!(expr.into_future());
    let value = loop {
        match awaitee.as_mut().poll(&mut cx) {
            Poll::Ready(result) => break result,
            Poll::Pending => {
                // In an `async fn` this is a `yield`: the future keeps
                // `awaitee` in its state, returns `Pending` from `poll`,
                // and the next `poll` resumes here, going round the loop.
            }
        }
    };
    // --8<-- [end:await]
    println!("value = {value}");
}
