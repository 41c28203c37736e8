// A recursive async fn: its future would have to contain itself.
//     rustc --edition 2021 recursive.rs   (fails: E0733)
// --8<-- [start:count_down]
async fn count_down(n: u32) {
    if n > 0 {
        count_down(n - 1).await;
    }
}
// --8<-- [end:count_down]

fn main() {
    let future = count_down(3);
    println!("{} bytes", std::mem::size_of_val(&future));
}
