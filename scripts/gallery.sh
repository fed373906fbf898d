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
# Dark (the theme a bare X session reports) for every screen; light for
# two of them, chosen as Settings → Look does (the demo's settings.json).
# Each shot starts from the same finished demo (every launch journals its
# start, which would crowd the journal's shot).
cp -a "$data/demo" "$data/pristine"
shoot() { # THEME LANG SCREEN OUT
  rm -rf "$data/demo"
  cp -a "$data/pristine" "$data/demo"
  printf '{"theme":"%s"}' "$1" > "$data/demo/settings.json"
  rm -f "$4"
  xvfb-run -a -s "-screen 0 1280x800x24" \
    "$bin" --demo --data-dir "$data" --lang "$2" --window-size 1000x700 \
    --screen "$3" --screenshot "$4" > /dev/null
  echo "$4"
}
for lang in zh-CN en; do
  for screen in entry orders journal settings; do
    shoot dark "$lang" "$screen" "docs/gallery/$screen-$lang.png"
  done
  for screen in entry journal; do
    shoot light "$lang" "$screen" "docs/gallery/$screen-$lang-light.png"
  done
done
