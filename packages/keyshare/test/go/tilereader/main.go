// tilereader: an independent C2SP tlog-tiles client built only from Go's golang.org/x/mod/sumdb/note
// and golang.org/x/mod/sumdb/tlog (Debian golang-golang-x-mod-dev, GOPATH mode). It fetches
// <url>/checkpoint, verifies it with note.Open against the log's verifier key, reads hash tiles
// through tlog.TileHashReader (which checks every tile against the tree hash), recomputes the tree
// hash, proves one entry with ProveRecord/CheckRecord from its entry bundle, and optionally proves
// consistency with an older tree. Prints one JSON line; exits 1 on any failure.
//
//	tilereader URL VERIFIER_KEY INDEX [OLD_SIZE OLD_ROOT_BASE64]
package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type tileReader struct{ url string }

func (r tileReader) Height() int { return 8 }

// tlog names tiles tile/<H>/<L>/<N>[.p/<W>] (the Go checksum database layout); C2SP tlog-tiles drops
// the height element: tile/<L>/<N>[.p/<W>].
func (r tileReader) path(t tlog.Tile) string {
	return strings.Replace(t.Path(), "tile/8/", "tile/", 1)
}

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := get(r.url + "/" + r.path(t))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (r tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "tilereader: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 4 && len(os.Args) != 6 {
		fail("usage: tilereader URL VERIFIER_KEY INDEX [OLD_SIZE OLD_ROOT]")
	}
	url, vkey := strings.TrimRight(os.Args[1], "/"), os.Args[2]
	index, err := strconv.ParseInt(os.Args[3], 10, 64)
	if err != nil {
		fail("bad index: %v", err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := get(url + "/checkpoint")
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint: %v", err)
	}
	// C2SP tlog-checkpoint: origin, size, base64 root hash, then optional extension lines.
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint text is not a checkpoint of %s", verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		fail("checkpoint root hash is malformed")
	}
	var root tlog.Hash
	copy(root[:], rootBytes)

	hr := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tileReader{url})
	th, err := tlog.TreeHash(size, hr)
	if err != nil {
		fail("tree hash from tiles: %v", err)
	}
	if th != root {
		fail("tree hash from tiles differs from the checkpoint")
	}

	proof, err := tlog.ProveRecord(size, index, hr)
	if err != nil {
		fail("record proof from tiles: %v", err)
	}
	// The entry bundle holding the entry: full, or as wide as the tree's right edge.
	bundleTile := tlog.Tile{H: 8, L: -1, N: index / 256, W: 256}
	if index/256 == size/256 {
		bundleTile.W = int(size % 256)
	}
	bundlePath := strings.Replace(bundleTile.Path(), "tile/8/data/", "tile/entries/", 1)
	bundle, err := get(url + "/" + bundlePath)
	if err != nil {
		fail("%v", err)
	}
	var entries [][]byte
	for off := 0; off < len(bundle); {
		if off+2 > len(bundle) {
			fail("truncated entry bundle")
		}
		l := int(binary.BigEndian.Uint16(bundle[off:]))
		if off+2+l > len(bundle) {
			fail("truncated entry bundle")
		}
		entries = append(entries, bundle[off+2:off+2+l])
		off += 2 + l
	}
	if len(entries) != bundleTile.W {
		fail("entry bundle has %d entries, want %d", len(entries), bundleTile.W)
	}
	entry := entries[index%256]
	if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(entry)); err != nil {
		fail("record proof: %v", err)
	}

	out := map[string]any{
		"origin": lines[0], "size": size, "root": lines[2], "index": index,
		"entry": base64.StdEncoding.EncodeToString(entry), "bundle": bundlePath,
		// Signatures by keys this reader does not know (witness cosignatures): ignored by note.Open.
		"otherSignatures": len(n.UnverifiedSigs),
	}
	if len(os.Args) == 6 {
		oldSize, err := strconv.ParseInt(os.Args[4], 10, 64)
		if err != nil {
			fail("bad old size: %v", err)
		}
		ob, err := base64.StdEncoding.DecodeString(os.Args[5])
		if err != nil || len(ob) != tlog.HashSize {
			fail("bad old root")
		}
		var oldRoot tlog.Hash
		copy(oldRoot[:], ob)
		tp, err := tlog.ProveTree(size, oldSize, hr)
		if err != nil {
			fail("tree proof from tiles: %v", err)
		}
		if err := tlog.CheckTree(tp, size, root, oldSize, oldRoot); err != nil {
			fail("consistency: %v", err)
		}
		out["consistentWith"] = oldSize
	}
	j, _ := json.Marshal(out)
	fmt.Println(string(j))
}
