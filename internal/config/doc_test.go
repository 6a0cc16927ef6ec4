package config_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/seamless-sessions/seamless/internal/config"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md")

const docPath = "../../docs/configuration.md"

func TestConfigurationDocIsCurrent(t *testing.T) {
	want := config.Markdown()
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Error("docs/configuration.md is out of date: run make docs and commit it")
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(got), "| `"+v.Name+"` |") {
			t.Errorf("docs/configuration.md does not list %s", v.Name)
		}
		if !strings.Contains(config.Usage(), v.Name) {
			t.Errorf("serve --help does not list %s", v.Name)
		}
	}
}
