#!/bin/sh
# Regenerates the README's gallery: the app captures itself (--screenshot)
# on each main screen, in Chinese and English, after the built-in demo
# walkthrough has run (the scripted state: released, undone, cancelled and
# settled orders, a journal with screenshots). Needs xvfb-run.
#   scripts/gallery.sh            (from the repository's root)
set -eu
cd "$(dirname "$0")/.."
cargo build --release
bin=target/release/cardguard
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
chmod 700 "$data"
# The demo's own folder (DATA/demo): never a real journal.
"$bin" demo --headless --data-dir "$data" > /dev/null
for lang in zh-CN en; do
  for screen in entry orders journal settings; do
    out="docs/gallery/$screen-$lang.png"
    rm -f "$out"
    xvfb-run -a -s "-screen 0 1280x800x24" \
      "$bin" --demo --data-dir "$data" --lang "$lang" --window-size 1000x700 \
      --screen "$screen" --screenshot "$out" > /dev/null
    echo "$out"
  done
done
