// Dropping cart_total while it waits for the shoes, then while it waits for
// the socks: exactly the values of that state are dropped, and no more of the
// body runs.
//     rustc --edition 2021 cancel.rs && ./cancel
use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A value whose drop prints, so the output shows when it goes.
struct Receipt;

impl Drop for Receipt {
    fn drop(&mut self) {
        println!("  drop the receipt");
    }
}

/// A oneshot channel, just enough of it: one shared slot.
struct Sender(Rc<Cell<Option<u32>>>);
struct Receiver(&'static str, Rc<Cell<Option<u32>>>);

fn channel(name: &'static str) -> (Sender, Receiver) {
    let slot = Rc::new(Cell::new(None));
    (Sender(slot.clone()), Receiver(name, slot))
}

impl Sender {
    fn send(&self, price: u32) {
        self.0.set(Some(price));
    }
    /// Tokio's `Sender::is_closed`: has the receiver been dropped?
    fn is_closed(&self) -> bool {
        Rc::strong_count(&self.0) == 1
    }
}

impl Future for Receiver {
    type Output = u32;
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u32> {
        match self.1.take() {
            Some(price) => Poll::Ready(price),
            None => Poll::Pending,
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        println!("  drop the {} receiver", self.0);
    }
}

// --8<-- [start:cart_total]
async fn cart_total(socks: Receiver, shoes: Receiver) -> u32 {
    let receipt = Receipt;
    let socks_price = socks.await;
    let shoes_price = shoes.await;
    println!("  adding the prices"); // never runs if dropped before
    drop(receipt);
    socks_price + shoes_price
}
// --8<-- [end:cart_total]

// --8<-- [start:main]
/// Makes a `cart_total` future, polls it once, and drops it.
fn poll_once_then_drop(socks_price: Option<u32>) {
    let (socks_tx, socks) = channel("socks");
    let (shoes_tx, shoes) = channel("shoes");
    if let Some(price) = socks_price {
        socks_tx.send(price);
    }
    {
        let mut future = pin!(cart_total(socks, shoes));
        let mut cx = Context::from_waker(Waker::noop());
        println!("poll 1:");
        println!("  {:?}", future.as_mut().poll(&mut cx));
        println!("drop the future:");
    } // `future` goes out of scope here
    println!(
        "shoes sender sees its receiver gone: {}",
        shoes_tx.is_closed()
    );
}

fn main() {
    println!("The socks price is sent, the shoes price never.");
    poll_once_then_drop(Some(12));
    println!("No price is sent.");
    poll_once_then_drop(None);
}
// --8<-- [end:main]
