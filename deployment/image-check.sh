#!/usr/bin/env bash
# Build the image and check it as ops would run it (CI runs this when a Docker
# engine is there): it becomes healthy, /healthz answers inside it, it runs as a
# non-root user with no compiler, and `docker stop` ends it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="stora-arenden:check-$$"
name="stora-arenden-check-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; docker rmi -f "$tag" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "image-check: building $tag"
docker build --quiet -t "$tag" . >/dev/null

echo "image-check: no compiler or build tools in the image"
if docker run --rm --entrypoint sh "$tag" -c 'command -v gcc || command -v cc || command -v make || command -v g++'; then
  echo "image-check: FAILED: a build tool is in the image" >&2; exit 1
fi

docker run -d --name "$name" --health-interval=1s --health-start-period=30s "$tag" >/dev/null
for _ in $(seq 1 60); do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$name")
  [ "$status" = healthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || { docker logs "$name" >&2; exit 1; }
  sleep 1
done
if [ "$status" != healthy ]; then echo "image-check: FAILED: not healthy ($status)" >&2; docker logs "$name" >&2; exit 1; fi

answer=$(docker exec "$name" python -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:3978/healthz', timeout=4).read().decode())")
echo "image-check: /healthz inside the container: $answer"
[ "$answer" = '{"status": "ok"}' ] || { echo "image-check: FAILED: unexpected /healthz answer" >&2; exit 1; }
uid=$(docker exec "$name" id -u)
[ "$uid" != 0 ] || { echo "image-check: FAILED: runs as root" >&2; exit 1; }

docker stop --time 20 "$name" >/dev/null
code=$(docker inspect --format '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || { echo "image-check: FAILED: exit code $code after docker stop" >&2; docker logs "$name" >&2; exit 1; }
echo "image-check: passed (healthy, /healthz ok, uid $uid, clean stop)"
