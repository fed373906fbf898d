#!/bin/sh
# Inside a D-Bus session (dbus-run-session) and an X display (xvfb-run):
# the AT-SPI bus, switched on as a screen reader would, then the app, then
# the driver. Usage: session.sh APP DATA_DIR DRIVER CODE VERIFICATION
set -u
app=$1 data=$2 driver=$3
shift 3
/usr/libexec/at-spi-bus-launcher --launch-immediately &
bus=$!
# The launcher owns org.a11y.Bus once it answers; ask until it does.
i=0
until dbus-send --session --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status \
    string:IsEnabled variant:boolean:true 2>/dev/null; do
  i=$((i + 1))
  [ $i -gt 100 ] && { echo "FAIL: the AT-SPI bus never answered"; exit 1; }
  sleep 0.1
done
"$app" --data-dir "$data" --lang en --window-size 1000x760 &
pid=$!
/usr/bin/python3 "$driver" "$@"
rc=$?
kill $pid 2>/dev/null
wait $pid 2>/dev/null
kill $bus 2>/dev/null
exit $rc
