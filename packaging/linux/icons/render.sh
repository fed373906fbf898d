#!/bin/sh
# Renders the icon's PNG sizes from cardguard.svg (needs rsvg-convert, from
# librsvg2-bin). The PNGs are committed: building the app or the package
# does not need this.
set -eu
cd "$(dirname "$0")"
for s in 16 32 48 64 128 256; do
  mkdir -p "hicolor/${s}x${s}/apps"
  rsvg-convert -w "$s" -h "$s" cardguard.svg -o "hicolor/${s}x${s}/apps/io.github.cardguard.CardGuard.png"
done
