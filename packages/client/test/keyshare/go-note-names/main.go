// Reads hex-encoded verifier key strings, one per line, and prints "ok" or "refused" for each as Go's
// golang.org/x/mod/sumdb/note.NewVerifier judges it (the independent signed-note implementation).
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		raw, err := hex.DecodeString(sc.Text())
		if err != nil {
			fmt.Println("bad-input")
			continue
		}
		if _, err := note.NewVerifier(string(raw)); err != nil {
			fmt.Println("refused")
		} else {
			fmt.Println("ok")
		}
	}
}
