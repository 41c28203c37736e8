// The states of `async fn cart_total`, written out by hand: an enum with one
// variant per place the function can stop, and a `poll` that loops over a
// `match` on the current variant. It goes through the same states as the
// future rustc generates, but not by the same code: rustc's `poll` jumps to
// where the body stopped and polls each awaited future in place, where this
// one moves the receivers from variant to variant, which only an `Unpin`
// field allows. Builds with plain `rustc`.
mod mini_runtime;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use mini_runtime::{channel, run_scenario, Receiver};

// --8<-- [start:states]
enum CartTotal {
    /// Created, not yet polled: holds both receivers.
    Start {
        socks: Receiver<u32>,
        shoes: Receiver<u32>,
    },
    /// Stopped at `socks.await`: holds the receiver it awaits, and shoes.
    WaitingForSocks {
        socks: Receiver<u32>,
        shoes: Receiver<u32>,
    },
    /// Stopped at `shoes.await`: the socks receiver is gone, its price kept.
    WaitingForShoes {
        socks_price: u32,
        shoes: Receiver<u32>,
    },
    /// Returned Ready: nothing left to hold.
    Done,
}
// --8<-- [end:states]

// --8<-- [start:poll]
impl Future for CartTotal {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Every field is Unpin (a Receiver is a pointer), so no pin projection.
        let this = self.get_mut();
        loop {
            match std::mem::replace(this, CartTotal::Done) {
                CartTotal::Start { socks, shoes } => {
                    *this = CartTotal::WaitingForSocks { socks, shoes };
                }
                CartTotal::WaitingForSocks { mut socks, shoes } => {
                    match Pin::new(&mut socks).poll(cx) {
                        Poll::Ready(socks_price) => {
                            // `socks` is dropped here: the next state has
                            // no room for it.
                            *this = CartTotal::WaitingForShoes {
                                socks_price,
                                shoes,
                            };
                        }
                        Poll::Pending => {
                            *this = CartTotal::WaitingForSocks { socks, shoes };
                            return Poll::Pending;
                        }
                    }
                }
                CartTotal::WaitingForShoes {
                    socks_price,
                    mut shoes,
                } => match Pin::new(&mut shoes).poll(cx) {
                    Poll::Ready(shoes_price) => {
                        return Poll::Ready(socks_price + shoes_price)
                    }
                    Poll::Pending => {
                        *this =
                            CartTotal::WaitingForShoes { socks_price, shoes };
                        return Poll::Pending;
                    }
                },
                CartTotal::Done => {
                    panic!("`async fn` resumed after completion")
                }
            }
        }
    }
}
// --8<-- [end:poll]

impl CartTotal {
    /// The label the trace prints for each state, the same one the
    /// Python model and the `async fn` listing print.
    fn state_label(&self) -> Option<String> {
        Some(
            match self {
                CartTotal::Start { .. } => "Start",
                CartTotal::WaitingForSocks { .. } => "awaiting socks",
                CartTotal::WaitingForShoes { .. } => "awaiting shoes",
                CartTotal::Done => "Done",
            }
            .to_string(),
        )
    }
}

/// The same scenarios as the `async fn`, run on the hand-written enum.
fn scenario(name: &str, sent_early: &[&str], arrivals: &[&str]) {
    let start = |socks, shoes| CartTotal::Start { socks, shoes };
    run_scenario(name, sent_early, arrivals, start, CartTotal::state_label);
}

fn main() {
    scenario("one-by-one", &[], &["socks", "shoes"]);
    scenario("already-there", &["socks", "shoes"], &[]);
    scenario("other-order", &[], &["shoes", "socks"]);

    // --8<-- [start:size]
    let (_socks_tx, socks) = channel::<u32>("socks");
    let (_shoes_tx, shoes) = channel::<u32>("shoes");
    let future = CartTotal::Start { socks, shoes };
    println!(
        "size_of_val(&CartTotal::Start {{ .. }}) = {} bytes",
        std::mem::size_of_val(&future)
    );
    // --8<-- [end:size]
}
