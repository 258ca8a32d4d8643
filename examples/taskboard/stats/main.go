// Command stats is an internal HTTP service reporting the taskboard's counters,
// read from Redis.
//
//	GET /healthz  liveness, does not touch Redis
//	GET /stats    {"created": n, "processed": n, "queued": n, "in_progress": n}
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// getenv returns the environment variable key, or fallback when it is unset or empty.
func getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

type stats struct {
	Created    int64 `json:"created"`
	Processed  int64 `json:"processed"`
	Queued     int64 `json:"queued"`
	InProgress int64 `json:"in_progress"`
}

func readStats(redisAddr string) (stats, error) {
	var s stats
	c, err := dialRedis(redisAddr, 2*time.Second)
	if err != nil {
		return s, err
	}
	defer c.Close()

	counters, err := c.Do("MGET", "taskboard:stats:created", "taskboard:stats:processed")
	if err != nil {
		return s, err
	}
	values, _ := counters.([]any)
	if len(values) != 2 {
		return s, errors.New("redis: unexpected MGET reply")
	}
	for i, dst := range []*int64{&s.Created, &s.Processed} {
		if v, ok := values[i].(string); ok { // nil while nothing was counted yet
			if *dst, err = strconv.ParseInt(v, 10, 64); err != nil {
				return s, err
			}
		}
	}
	for key, dst := range map[string]*int64{"taskboard:queue": &s.Queued, "taskboard:processing": &s.InProgress} {
		n, err := c.Do("LLEN", key)
		if err != nil {
			return s, err
		}
		*dst, _ = n.(int64)
	}
	return s, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Warn("writing response", "err", err)
	}
}

func main() {
	addr := net.JoinHostPort(getenv("HOST", ""), getenv("PORT", "8080"))
	redisAddr := getenv("REDIS_ADDR", "redis:6379")

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		s, err := readStats(redisAddr)
		if err != nil {
			slog.Error("reading stats", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "redis unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, s)
	})

	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() {
		slog.Info("stats listening", "addr", addr, "redis", redisAddr)
		errc <- srv.ListenAndServe()
	}()

	select {
	case err := <-errc:
		slog.Error("server failed", "err", err)
		os.Exit(1)
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		slog.Error("shutdown", "err", err)
		os.Exit(1)
	}
	slog.Info("stopped")
}
