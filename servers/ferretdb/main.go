// Command ferretdb-test-server starts FerretDB (SQLite handler) for the test suite.
//
// The upstream `cmd/ferretdb` binary panics when built with `go install` from the
// module zip (its generated version files are missing), so we embed FerretDB
// through its public `ferretdb` package instead. Listen address and data
// directory come from flags; scripts/servers/ferretdb.ts picks both.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	host := flag.String("host", "127.0.0.1", "listen host (loopback only for tests)")
	port := flag.Int("port", 27217, "listen TCP port")
	dataDir := flag.String("data", "", "SQLite data directory (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	flag.Parse()

	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-test-server: -data is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-test-server: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// The SQLite handler wants an existing directory given as a `file:` URI with a trailing slash.
	abs, err := filepath.Abs(*dataDir)
	if err == nil {
		err = os.MkdirAll(abs, 0o755)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-test-server: data dir: %v\n", err)
		os.Exit(1)
	}

	addr := fmt.Sprintf("%s:%d", *host, *port)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-test-server: %v\n", err)
		os.Exit(1)
	}

	// Stop cleanly on SIGTERM/SIGINT so the SQLite files are closed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// ferretdb.New has already bound the listener, so the port is taken by now;
	// print a line the start script can wait for.
	fmt.Printf("ferretdb-test-server: listening on %s, data in %s\n", addr, abs)

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-test-server: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("ferretdb-test-server: stopped")
}
