"""The workspace's rust-version must be at least every locked dependency's: an honest MSRV."""
import json, subprocess, sys, tomllib

meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"], check=True,
                                 capture_output=True, text=True).stdout)
used = {n["id"] for n in meta["resolve"]["nodes"]}
def version(v):
    return tuple(int(x) for x in v.split("."))
need = max((version(p["rust_version"]), p["name"]) for p in meta["packages"] if p["id"] in used and p.get("rust_version"))
declared = tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["rust-version"]
if version(declared) < need[0]:
    sys.exit(f"Cargo.toml rust-version {declared} is below what {need[1]} needs ({'.'.join(map(str, need[0]))})")
print(f"rust-version {declared}: the highest a dependency needs is {'.'.join(map(str, need[0]))} ({need[1]})")
