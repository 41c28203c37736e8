// A future passed by value to an `async fn` that awaits it is stored twice in
// that `async fn`'s future: once as the argument, once as the awaitee
// (rust-lang/rust#62958). Wrap a 1024-byte leaf and each level doubles it.
// A future created inside the body is stored once. Builds with plain `rustc`.
use std::future::Future;
use std::mem::size_of_val;

// --8<-- [start:leaf]
/// A future that holds 1024 bytes across its `.await`.
async fn leaf() -> u8 {
    let buffer = [1u8; 1024];
    std::future::ready(()).await;
    buffer[0]
}

/// Awaits the future it is given.
async fn by_value<F: Future>(inner: F) -> F::Output {
    inner.await
}

/// Creates the leaf's future inside its own body and awaits it.
async fn inside() -> u8 {
    leaf().await
}
// --8<-- [end:leaf]

/// Prints the expression and the size of the future it makes.
macro_rules! size {
    ($future:expr) => {
        let future = $future;
        println!(
            "{:<46} {:>5} bytes",
            stringify!($future),
            size_of_val(&future)
        );
    };
}

fn main() {
    size!(leaf());
    size!(by_value(leaf()));
    size!(by_value(by_value(leaf())));
    size!(by_value(by_value(by_value(leaf()))));
    size!(by_value(by_value(by_value(by_value(leaf())))));
    size!(inside());
}
