//! Writes a realistic journal of N events (7 per order) into DIR, with the
//! core's own line renderer: `cargo run --example big_journal -- DIR N`.
//! For measuring start-up with a long history (docs/JOURNAL.md).

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (args.next(), args.next().and_then(|n| n.parse().ok())) else {
        eprintln!("usage: big_journal DIR N");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("data dir");
    support::write_journal(&dir, n);
}
