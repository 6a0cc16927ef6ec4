package password

import (
	"context"
	"strings"
	"testing"
)

// cheap keeps the tests fast; the format and checks are the same.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndVerify(t *testing.T) {
	h := NewHasher(cheap, 2)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not in PHC form", enc)
	}
	if ok, err := h.Verify(ctx, "correct horse", enc); err != nil || !ok {
		t.Fatalf("Verify(right) = %v, %v; want true", ok, err)
	}
	if ok, err := h.Verify(ctx, "correct horsE", enc); err != nil || ok {
		t.Fatalf("Verify(wrong) = %v, %v; want false", ok, err)
	}
	again, _ := h.Hash(ctx, "correct horse")
	if again == enc {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
}

func TestDefaultParamsMeetOWASPMinimum(t *testing.T) {
	if DefaultParams.Memory < 19*1024 || DefaultParams.Time < 2 || DefaultParams.Threads < 1 {
		t.Fatalf("DefaultParams %+v are below m=19456 t=2 p=1", DefaultParams)
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := NewHasher(cheap, 1)
	for _, enc := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$!!$a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$",
	} {
		if _, err := h.Verify(context.Background(), "x", enc); err != ErrMalformed {
			t.Errorf("Verify(%q) error = %v; want ErrMalformed", enc, err)
		}
	}
}

func TestHashWaitsForSlot(t *testing.T) {
	h := NewHasher(cheap, 1)
	h.slots <- struct{}{} // every slot busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "password"); err == nil {
		t.Fatal("Hash ran although no slot was free")
	}
}
