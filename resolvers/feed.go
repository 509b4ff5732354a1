package resolvers

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Feed is what the change feed reads: the graph's version as the store's
// shared watcher sees it, and the audit trail by sequence number.
type Feed interface {
	WatchVersion(ctx context.Context) (model.GraphVersion, <-chan struct{}, error)
	ChangesAfter(ctx context.Context, seq int64, f model.FeedFilter, first int) ([]model.Change, error)
}

// feedPage is how many entries one read of the trail hands to a
// subscriber; a subscriber far behind reads several pages in a row.
const feedPage = 100

// feedRetry is how long the feed waits before asking again when the
// database does not answer: the subscription stays open and resumes where
// it was.
const feedRetry = time.Second

// A feed cursor names an entry by its sequence number and the epoch of the
// trail it belongs to (see model.GraphVersion): a database wiped since
// numbers its trail anew, and an old cursor must not skip its first
// entries.
const feedCursorPrefix = "feed1:"

func feedCursor(epoch string, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(feedCursorPrefix + epoch + ":" + strconv.FormatInt(seq, 10)))
}

func readFeedCursor(s string) (epoch string, seq int64, err error) {
	bad := model.Errorf(model.CodeBadUserInput, "after: %q is not a cursor of the change feed; pass the cursor of an event it sent", s)
	b, derr := base64.RawURLEncoding.DecodeString(s)
	if derr != nil || !strings.HasPrefix(string(b), feedCursorPrefix) {
		return "", 0, bad
	}
	rest := strings.TrimPrefix(string(b), feedCursorPrefix)
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "", 0, bad
	}
	seq, perr := strconv.ParseInt(rest[i+1:], 10, 64)
	if perr != nil || seq < 0 {
		return "", 0, bad
	}
	return rest[:i], seq, nil
}

// changeFeedCursor is the feed's position at the version the store's
// watcher has now.
func (r *Resolver) changeFeedCursor(ctx context.Context) (string, error) {
	v, _, err := r.store.WatchVersion(ctx)
	if err != nil {
		return "", err
	}
	return feedCursor(v.Epoch, v.Seq), nil
}

// changeFeed streams the audit trail's entries after the cursor (or after
// the current version without one) that pass the filter. Each round takes
// the watcher's channel before it reads, so an entry committed during the
// read wakes the next round rather than being missed; entries are read by
// number, so one is never sent twice.
func (r *Resolver) changeFeed(ctx context.Context, after *string, entity *string, relationTypes []model.RelationType) (<-chan *model.ChangeEvent, error) {
	f := model.FeedFilter{Entity: entity}
	for _, t := range relationTypes {
		f.RelationTypes = append(f.RelationTypes, string(t))
	}
	v, changed, err := r.store.WatchVersion(ctx)
	if err != nil {
		return nil, err
	}
	epoch, seq := v.Epoch, v.Seq
	if after != nil {
		var ce string
		if ce, seq, err = readFeedCursor(*after); err != nil {
			return nil, err
		}
		if ce != "" && v.Epoch != "" && ce != v.Epoch {
			return nil, model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to an audit trail the database no longer holds (it was emptied since); subscribe without after to start from now")
		}
	}
	out := make(chan *model.ChangeEvent)
	go func() {
		defer close(out)
		wait := func(d time.Duration) bool {
			select {
			case <-ctx.Done():
				return false
			case <-time.After(d):
				return true
			}
		}
		for {
			page, err := r.store.ChangesAfter(ctx, seq, f, feedPage)
			if err != nil {
				if !wait(feedRetry) {
					return
				}
				continue
			}
			for i := range page {
				c := page[i]
				if epoch == "" {
					// The trail had no sequence yet when the feed started:
					// its first entry made one.
					if cur, _, err := r.store.WatchVersion(ctx); err == nil {
						epoch = cur.Epoch
					}
				}
				select {
				case out <- &model.ChangeEvent{Change: c, Cursor: feedCursor(epoch, c.Seq)}:
					seq = c.Seq
				case <-ctx.Done():
					return
				}
			}
			if len(page) == feedPage {
				continue
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
			for {
				var cur model.GraphVersion
				if cur, changed, err = r.store.WatchVersion(ctx); err == nil {
					if epoch != "" && cur.Epoch != epoch {
						// The database was emptied and its trail begun
						// anew: all of the new trail is news.
						epoch, seq = cur.Epoch, 0
					}
					break
				}
				if !wait(feedRetry) {
					return
				}
			}
		}
	}()
	return out, nil
}
