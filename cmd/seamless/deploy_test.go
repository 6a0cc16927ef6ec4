package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/seamless-sessions/seamless/internal/config"
)

// repoRoot is the repository's top directory, seen from this package.
const repoRoot = "../.."

// loadCompose loads docker-compose.yml as docker compose would, with env
// as the only environment.
func loadCompose(t *testing.T, env ...string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot), cli.WithEnv(env), cli.WithName("seamless"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func TestComposeFile(t *testing.T) {
	p := loadCompose(t)
	db, migrate, app := service(t, p, "db"), service(t, p, "migrate"), service(t, p, "app")

	if !regexp.MustCompile(`^postgres:1[3-9]`).MatchString(db.Image) {
		t.Errorf("db image %q; want a current postgres", db.Image)
	}
	if v := db.Volumes; len(v) != 1 || v[0].Type != types.VolumeTypeVolume ||
		p.Volumes[v[0].Source].Name == "" || v[0].Target != "/var/lib/postgresql/data" {
		t.Errorf("db volumes %+v; want a named volume on the data directory", v)
	}
	expectHealthCheck(t, db, "pg_isready")
	expectHealthCheck(t, app, "healthcheck")

	expectDependsOn(t, migrate, map[string]string{"db": "service_healthy"})
	expectDependsOn(t, app, map[string]string{
		"db": "service_healthy", "migrate": "service_completed_successfully"})
	if got := strings.Join(migrate.Command, " "); got != "migrate up" {
		t.Errorf("migrate command %q; want migrate up", got)
	}
	if got := strings.Join(app.Command, " "); got != "serve" {
		t.Errorf("app command %q; want serve", got)
	}
	if len(app.Ports) != 2 || app.Ports[0].Published != "8080" || app.Ports[0].Target != 8080 ||
		app.Ports[1].HostIP != "127.0.0.1" {
		t.Errorf("app ports %+v; want 8080 public and metrics on loopback only", app.Ports)
	}

	env := environment(app)
	for k, want := range map[string]string{"SECURE_COOKIE": "false", "ADDR": ":8080",
		"DATABASE_URL": "postgres://seamless:local-only-password@db:5432/seamless?sslmode=disable",
	} {
		if env[k] != want {
			t.Errorf("app %s=%q; want %q", k, env[k], want)
		}
	}
	if environment(migrate)["DATABASE_URL"] != env["DATABASE_URL"] {
		t.Error("migrate and app use different databases")
	}
	if _, err := config.Load(func(k string) string { return env[k] }, nil); err != nil {
		t.Errorf("the app's environment is not a valid configuration: %v", err)
	}
	expectKnownVars(t, env)
}

func TestComposeFileTakesSettingsFromTheShell(t *testing.T) {
	p := loadCompose(t, "POSTGRES_PASSWORD=s3cret", "SECURE_COOKIE=true", "PORT=8443")
	db, app := service(t, p, "db"), service(t, p, "app")
	env := environment(app)
	if !strings.Contains(env["DATABASE_URL"], ":s3cret@db:") ||
		environment(db)["POSTGRES_PASSWORD"] != "s3cret" {
		t.Errorf("POSTGRES_PASSWORD did not reach both services: %q", env["DATABASE_URL"])
	}
	if env["SECURE_COOKIE"] != "true" || app.Ports[0].Published != "8443" {
		t.Errorf("SECURE_COOKIE=%q, port %q; want the shell's values",
			env["SECURE_COOKIE"], app.Ports[0].Published)
	}
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %s: %v", name, err)
	}
	return s
}

func expectHealthCheck(t *testing.T, s types.ServiceConfig, word string) {
	t.Helper()
	h := s.HealthCheck
	if h == nil || h.Disable || h.Interval == nil || !strings.Contains(strings.Join(h.Test, " "), word) {
		t.Errorf("%s health check %+v; want one that runs %s", s.Name, h, word)
	}
}

func expectDependsOn(t *testing.T, s types.ServiceConfig, want map[string]string) {
	t.Helper()
	if len(s.DependsOn) != len(want) {
		t.Errorf("%s depends on %v; want %v", s.Name, s.DependsOn, want)
	}
	for name, cond := range want {
		if got := s.DependsOn[name].Condition; got != cond {
			t.Errorf("%s waits for %s to be %q; want %q", s.Name, name, got, cond)
		}
	}
}

func environment(s types.ServiceConfig) map[string]string {
	env := map[string]string{}
	for k, v := range s.Environment {
		if v != nil {
			env[k] = *v
		}
	}
	return env
}

// expectKnownVars fails on a variable that Seamless does not read, such as
// a misspelt one.
func expectKnownVars(t *testing.T, env map[string]string) {
	t.Helper()
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
	}
	for k := range env {
		if !known[k] {
			t.Errorf("app sets %s, which is not in config.Vars", k)
		}
	}
}

func TestDockerfileBuildsLikeMake(t *testing.T) {
	makeCmd := buildCommand(t, "Makefile", regexp.MustCompile(`^\t(.*\$\(GO\) build .*)$`))
	makeCmd = strings.ReplaceAll(makeCmd, "$(GO)", "go")
	docker := buildCommand(t, "Dockerfile", regexp.MustCompile(`^RUN (.* go build .*)$`))
	if makeCmd == "" || docker != makeCmd {
		t.Errorf("Dockerfile builds with\n\t%s\nbut make build with\n\t%s", docker, makeCmd)
	}

	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).
		FindStringSubmatch(readRepoFile(t, "go.mod"))
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	file := readRepoFile(t, "Dockerfile")
	for _, want := range []string{"FROM golang:" + goVersion[1] + " AS build", "USER nonroot",
		`HEALTHCHECK`, `"/usr/local/bin/seamless", "healthcheck"`, "COPY --from=build"} {
		if !strings.Contains(file, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// buildCommand returns the only line of the file that matches re.
func buildCommand(t *testing.T, name string, re *regexp.Regexp) string {
	t.Helper()
	var found []string
	sc := bufio.NewScanner(strings.NewReader(readRepoFile(t, name)))
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			found = append(found, strings.TrimSpace(m[1]))
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d build commands %q; want one", name, len(found), found)
	}
	return found[0]
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
