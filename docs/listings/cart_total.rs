// `async fn cart_total`, polled step by step. Builds with plain `rustc`:
//     rustc --edition 2021 cart_total.rs && ./cart_total
mod mini_runtime;

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
}
