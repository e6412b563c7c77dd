#!/bin/sh
# Builds the tiny test guest used by the kvm tests and benches, from Debian packages only:
# a kernel (linux-image-amd64) and an initramfs made of busybox-static.
#
#   make-guest.sh <cache-dir>      writes <cache-dir>/vmlinuz and <cache-dir>/initrd.gz
#
# The guest's /init mounts proc, sys, dev and a tmpfs on /tmp, prints GNT-GUEST-READY on
# ttyS0, then runs a shell on ttyS0 (no echo, no prompt) that answers commands line by line.
# It powers off when the ACPI power button is pressed (busybox acpid), unless the kernel
# command line contains gnt.ignore_acpi. The kernel is only read, never booted on the host:
# when /boot has no kernel, the package is downloaded and unpacked into the cache, not installed.
set -eu

out=${1:?usage: make-guest.sh <cache-dir>}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Several test processes may ask at once: one builds, the others wait and reuse.
exec 9>"$out/.lock"
flock 9

here=$(cd "$(dirname "$0")" && pwd)
stamp=$(sha256sum "$here/make-guest.sh" | cut -c1-16)
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    exit 0
fi

busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! LC_ALL=C ldd "$busybox" 2>&1 | grep -q "not a dynamic"; then
    echo "make-guest: a static busybox is needed (apt-get install busybox-static)" >&2
    exit 1
fi

# The kernel and its modules: the host's when it has one, else the linux-image package unpacked.
kernel=""
moddir=""
for k in /boot/vmlinuz-*; do
    [ -r "$k" ] || continue
    ver=${k#/boot/vmlinuz-}
    if [ -d "/lib/modules/$ver/kernel" ]; then
        kernel=$k
        moddir=/lib/modules/$ver
    fi
done
if [ -z "$kernel" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
    if [ -z "$pkg" ]; then
        echo "make-guest: cannot resolve linux-image-amd64 with apt-cache (apt-get update?)" >&2
        exit 1
    fi
    rm -rf "$out/pkg"
    mkdir -p "$out/pkg"
    (cd "$out/pkg" && apt-get download "$pkg" >/dev/null 2>"$out/pkg/download.log") || {
        echo "make-guest: apt-get download $pkg failed:" >&2
        cat "$out/pkg/download.log" >&2
        exit 1
    }
    dpkg-deb -x "$out"/pkg/*.deb "$out/pkg/root"
    rm -f "$out"/pkg/*.deb
    kernel=$(ls "$out"/pkg/root/boot/vmlinuz-* | head -n1)
    ver=${kernel##*/vmlinuz-}
    moddir=$out/pkg/root/lib/modules/$ver
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
    "$root/etc/acpi/PWRF" "$root/lib/modules" "$root/root"
cp "$busybox" "$root/bin/busybox"

# Modules, each after what it depends on (read from the module's own .modinfo): the ACPI
# button and evdev for the power button, virtio for disks, NICs and the balloon.
: >"$root/lib/modules/load"
modpath() {
    find "$moddir/kernel" -name "$1.ko" | head -n1
}
addmod() {
    local f dep
    grep -qx "$1.ko" "$root/lib/modules/load" && return 0
    f=$(modpath "$1")
    [ -n "$f" ] || return 0
    for dep in $(tr '\000' '\n' <"$f" | sed -n 's/^depends=//p' | tr ',' ' '); do
        addmod "$dep"
    done
    cp "$f" "$root/lib/modules/"
    echo "$1.ko" >>"$root/lib/modules/load"
}
for m in button evdev virtio_pci virtio_blk virtio_net virtio_balloon; do
    addmod "$m"
done

cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo GNT-GUEST-POWEROFF >/dev/ttyS0
sync
poweroff -f
EOF
chmod 755 "$root/etc/acpi/PWRF/00000080"

cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
exec </dev/ttyS0 >/dev/ttyS0 2>&1
for m in $(cat /lib/modules/load); do insmod /lib/modules/$m 2>/dev/null; done
case " $(cat /proc/cmdline) " in
    *" gnt.ignore_acpi "*) ;;
    *) acpid -c /etc/acpi -l /tmp/acpid.log ;;
esac
stty -F /dev/ttyS0 -echo -icanon icanon 2>/dev/null || true
stty -F /dev/ttyS0 -echo 2>/dev/null || true
echo GNT-GUEST-READY
while true; do
    setsid sh </dev/ttyS0 >/dev/ttyS0 2>&1
done
EOF
chmod 755 "$root/init"

(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null) | gzip -1 >"$work/initrd.gz"
cp "$kernel" "$work/vmlinuz"
mv "$work/initrd.gz" "$out/initrd.gz"
mv "$work/vmlinuz" "$out/vmlinuz"
rm -rf "$out/pkg"
echo "$stamp" >"$out/stamp"
