// Command worker processes the tasks queued by the API: it waits on the Redis list
// taskboard:queue, marks each task done and counts it. It has no HTTP server.
//
// A task id is moved atomically from the queue to taskboard:processing while it is
// worked on, so a worker that dies mid-task leaves it there; the next worker to
// connect puts it back on the queue. Processing a task twice is harmless.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const (
	queueKey      = "taskboard:queue"
	processingKey = "taskboard:processing"
	processedKey  = "taskboard:stats:processed"
	taskKeyPrefix = "taskboard:task:"
)

// getenv returns the environment variable key, or fallback when it is unset or empty.
func getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

func main() {
	redisAddr := getenv("REDIS_ADDR", "redis:6379")
	hostname, _ := os.Hostname()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	slog.Info("worker starting", "redis", redisAddr)
	backoff := time.Second
	for ctx.Err() == nil {
		err := run(ctx, redisAddr, hostname, func() { backoff = time.Second })
		if ctx.Err() != nil {
			break
		}
		// Redis is not up yet, restarted, or the connection broke: try again later.
		slog.Warn("redis unavailable, retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 15*time.Second)
	}
	slog.Info("worker stopped")
}

// run processes tasks over one connection until it fails or ctx is cancelled.
func run(ctx context.Context, addr, hostname string, connected func()) error {
	c, err := dialRedis(addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Do("PING"); err != nil {
		return err
	}
	connected()
	slog.Info("connected to redis", "addr", addr)

	// Closing the connection ends a blocked BLMOVE at once when we are told to stop.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			c.Close()
		case <-done:
		}
	}()

	if err := requeueUnfinished(c); err != nil {
		return err
	}
	for {
		reply, err := c.Do("BLMOVE", queueKey, processingKey, "RIGHT", "LEFT", "5")
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		id, ok := reply.(string)
		if !ok { // timed out with an empty queue
			continue
		}
		if err := process(c, id, hostname); err != nil {
			return err
		}
	}
}

// requeueUnfinished moves ids left in the processing list back to the front of the queue.
func requeueUnfinished(c *redisConn) error {
	for {
		reply, err := c.Do("LMOVE", processingKey, queueKey, "RIGHT", "RIGHT")
		if err != nil || reply == nil {
			return err
		}
		slog.Info("requeued unfinished task", "id", reply)
	}
}

func process(c *redisConn, id, hostname string) error {
	key := taskKeyPrefix + id
	status, err := c.Do("HGET", key, "status")
	if err != nil {
		return err
	}
	switch status {
	case nil:
		slog.Warn("skipping unknown task", "id", id)
	case "done":
		slog.Info("task already done", "id", id)
	default:
		now := time.Now().UTC().Format(time.RFC3339)
		for _, cmd := range [][]string{
			{"MULTI"},
			{"HSET", key, "status", "done", "processed_at", now, "processed_by", hostname},
			{"INCR", processedKey},
			{"EXEC"},
		} {
			if _, err := c.Do(cmd...); err != nil {
				return err
			}
		}
		slog.Info("task done", "id", id)
	}
	_, err = c.Do("LREM", processingKey, "1", id)
	return err
}
