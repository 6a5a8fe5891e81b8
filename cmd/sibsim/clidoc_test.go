package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestCLIDocCoversCommands: docs/cli.md's synopsis names every command, and
// the document mentions every flag of every command, so that a command or
// flag added without its documentation fails here.
func TestCLIDocCoversCommands(t *testing.T) {
	data, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	_, rest, _ := strings.Cut(doc, "```\n")
	synopsis, _, _ := strings.Cut(rest, "```")
	var lines []string
	for _, l := range strings.Split(synopsis, "\n") {
		lines = append(lines, strings.TrimSpace(l)+" ")
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || c.Name() == "completion" {
				continue
			}
			path := sub.CommandPath() + " "
			found := false
			for _, l := range lines {
				found = found || strings.HasPrefix(l, path)
			}
			if !found {
				t.Errorf("docs/cli.md's synopsis has no line for %q", sub.CommandPath())
			}
			sec := cliDocSection(doc, sub.CommandPath())
			if sec == "" {
				t.Errorf("docs/cli.md has no section for %q", sub.CommandPath())
			}
			sub.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				switch {
				case f.Name == "help":
				case (f.Name == "json" || f.Name == "quiet") && strings.Contains(cliDocSection(doc, "Machine-readable output:"), "--"+f.Name):
				case !strings.Contains(sec, "--"+f.Name):
					t.Errorf("docs/cli.md's section for %s does not mention --%s", sub.CommandPath(), f.Name)
				}
			})
			walk(sub)
		}
	}
	root := newRootCommand(&deps{loader: defaultLoader()})
	walk(root)
}

// cliDocSection returns the section of the Markdown doc whose heading
// begins with title (a command path such as "sibsim sweep merge"), up to
// the next heading of the same or a higher level, subsections included.
// When no heading begins with the whole path, the command's parent's
// section is taken ("sibsim scenarios show" is documented under
// "sibsim scenarios list / show"); "" when there is none.
func cliDocSection(doc, title string) string {
	lines := strings.Split(doc, "\n")
	level := func(l string) int {
		n := 0
		for n < len(l) && l[n] == '#' {
			n++
		}
		if n == 0 || n >= len(l) || l[n] != ' ' {
			return 0
		}
		return n
	}
	fields := strings.Fields(title)
	least := min(2, len(fields)) // never fall back to "sibsim" alone
	for words := fields; len(words) >= least && len(words) > 0; words = words[:len(words)-1] {
		want := strings.Join(words, " ")
		for i, l := range lines {
			lv := level(l)
			if lv == 0 {
				continue
			}
			head := l[lv+1:]
			if head != want && !strings.HasPrefix(head, want+" ") {
				continue
			}
			end := len(lines)
			for j := i + 1; j < len(lines); j++ {
				if k := level(lines[j]); k > 0 && k <= lv {
					end = j
					break
				}
			}
			return strings.Join(lines[i:end], "\n")
		}
	}
	return ""
}

// TestCLIDocSection: a command's section ends at the next heading of its
// level, keeps its subsections, and falls back to the parent's section,
// so that a flag documented under another command does not count.
func TestCLIDocSection(t *testing.T) {
	doc := "# Top\n## sibsim run\nrun --a\n### Detail\nrun --b\n## sibsim sweep EXPERIMENT\nsweep --c\n### sibsim sweep merge DIR\nmerge --d\n## Machine-readable output: --json\n"
	for _, tt := range []struct{ title, has, lacks string }{
		{"sibsim run", "--b", "--c"},
		{"sibsim sweep", "--d", "--a"},
		{"sibsim sweep merge", "--d", "--c"},
		{"sibsim sweep plan", "--c", "--a"},
		{"Machine-readable output:", "--json", "--d"},
	} {
		sec := cliDocSection(doc, tt.title)
		if !strings.Contains(sec, tt.has) || strings.Contains(sec, tt.lacks) {
			t.Errorf("cliDocSection(%q) = %q; want it to hold %s and not %s", tt.title, sec, tt.has, tt.lacks)
		}
	}
	if sec := cliDocSection(doc, "sibsim nope"); sec != "" {
		t.Errorf("cliDocSection of an undocumented command = %q; want none", sec)
	}
}
