#!/usr/bin/env bash
# Builds the container image of the Kubernetes plan from ./Containerfile
# with Debian's buildah, and checks it: sibsim on PATH runs, as an
# unprivileged user, in an image holding nothing else.
#
# No container engine or daemon is needed: buildah builds and runs the
# image itself, with --isolation chroot (the OCI runtime crun needs cgroups
# that a container or VM may not offer) and its own storage in a temporary
# directory (vfs driver), so nothing outside it changes. If the Go base
# image can be pulled, the Containerfile compiles sibsim itself; where no
# registry is reachable (as on the CI machine), the same Containerfile
# takes a static binary built here (--build-arg FROM_BINARY=context), and
# the script says so. Needs root to install buildah and to build as root;
# without root it exits 0 saying that it could not run. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'k8s-image: %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
	say "skipped: needs root to install buildah and build the image"
	exit 0
fi
if ! command -v buildah >/dev/null 2>&1; then
	say "installing buildah"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null
fi

tmp=$(mktemp -d)
ctr=""
bh() { buildah --root "$tmp/root" --runroot "$tmp/run" --storage-driver vfs "$@"; }
cleanup() {
	[ -z "$ctr" ] || bh rm "$ctr" >/dev/null 2>&1 || true
	bh rmi --all --force >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

tag=localhost/sibsim:ci
if timeout 60 bh pull --quiet docker.io/library/golang:1.24-bookworm >/dev/null 2>&1; then
	say "building from source in the Go image"
	bh bud --quiet --isolation chroot -f Containerfile -t "$tag" . >/dev/null
else
	say "the Go base image cannot be pulled (no registry access): building the binary here"
	mkdir -p "$tmp/context/bin"
	CGO_ENABLED=0 go build -trimpath -o "$tmp/context/bin/sibsim" ./cmd/sibsim
	bh bud --quiet --isolation chroot -f Containerfile --build-arg FROM_BINARY=context -t "$tag" "$tmp/context" >/dev/null
fi

# The image's configuration: what the plan's pods rely on.
cfg=$(bh inspect --type image --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Env}} {{.OCIv1.Config.Entrypoint}}' "$tag")
say "image config: $cfg"
case "$cfg" in
"65532:65532 [PATH=/usr/local/bin] [sibsim]") ;;
*) say "unexpected image config (want user 65532:65532, PATH=/usr/local/bin, entrypoint sibsim)"; exit 1 ;;
esac

# sibsim is the only file of the image (looked at before anything runs in
# it: a run adds /etc/hosts and the like to the container), and runs from PATH.
ctr=$(bh from --quiet "$tag")
mnt=$(bh mount "$ctr")
files=$(cd "$mnt" && find . -type f | sort)
bh umount "$ctr" >/dev/null
[ "$files" = "./usr/local/bin/sibsim" ] || { say "the image holds more than sibsim:"; echo "$files"; exit 1; }
out=$(bh run --isolation chroot "$ctr" -- sibsim version)
say "sibsim version in the image: $out"
case "$out" in sibsim\ *) ;; *) say "sibsim version printed $out"; exit 1 ;; esac
bh run --isolation chroot "$ctr" -- sibsim sweep plan assessment-tariff --kubernetes --shards 2 >"$tmp/plan.yaml"
grep -q 'kind: PersistentVolumeClaim' "$tmp/plan.yaml"
say "ok"
