package pgtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// template is a database built once by a Prepare and copied for each test.
type template struct {
	name string
	once sync.Once
	err  error
}

// templateFor returns the template of prepare, registering it on first use.
// Functions are told apart by their code, so every closure made by the
// same function literal shares one template.
func (s *server) templateFor(prepare Prepare) *template {
	key := reflect.ValueOf(prepare).Pointer()
	s.tplMu.Lock()
	defer s.tplMu.Unlock()
	if s.tpls == nil {
		s.tpls = make(map[uintptr]*template)
	}
	tpl := s.tpls[key]
	if tpl == nil {
		tpl = &template{name: s.newName("tpl")}
		s.tpls[key] = tpl
	}
	return tpl
}

// createDatabase creates name, empty or as a copy of prepare's template.
func (s *server) createDatabase(ctx context.Context, name string, prepare Prepare) error {
	sql := "CREATE DATABASE " + ident(name)
	if prepare != nil {
		tpl := s.templateFor(prepare)
		tpl.once.Do(func() { tpl.err = s.buildTemplate(tpl.name, prepare) })
		if tpl.err != nil {
			return tpl.err
		}
		sql += " TEMPLATE " + ident(tpl.name)
	}
	// CREATE DATABASE fails if another session uses the template; our own
	// copies are made one at a time so they never race each other.
	s.cloneMu.Lock()
	defer s.cloneMu.Unlock()
	if err := s.exec(ctx, sql); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// buildTemplate creates the template database and runs prepare on it. It
// then forbids connections to it and ends any prepare left open, since a
// template in use cannot be copied.
func (s *server) buildTemplate(name string, prepare Prepare) error {
	ctx, cancel := context.WithTimeout(context.Background(), prepareTimeout)
	defer cancel()
	if err := s.exec(ctx, "CREATE DATABASE "+ident(name)); err != nil {
		return fmt.Errorf("create template %s: %w", name, err)
	}
	if err := prepare(ctx, s.url(name)); err != nil {
		return fmt.Errorf("prepare template %s: %w", name, err)
	}
	err := s.exec(ctx, "ALTER DATABASE "+ident(name)+" ALLOW_CONNECTIONS false")
	if err != nil {
		return fmt.Errorf("seal template %s: %w", name, err)
	}
	err = s.exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "+
		"WHERE datname = $1 AND pid <> pg_backend_pid()", name)
	if err != nil {
		return fmt.Errorf("seal template %s: %w", name, err)
	}
	return nil
}

// dropDatabase drops name, ending any sessions still connected to it.
func (s *server) dropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	err := s.exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// dropTemplates drops every template this process made.
func (s *server) dropTemplates() error {
	s.tplMu.Lock()
	defer s.tplMu.Unlock()
	var errs []error
	for _, tpl := range s.tpls {
		errs = append(errs, s.dropDatabase(tpl.name))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}
