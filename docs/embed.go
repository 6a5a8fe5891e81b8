// Package docs holds the project's documentation. It embeds the model
// description (ODD.md) so that the program can read what it documents:
// the parameter table of its appendix A gives every scenario field's
// meaning, unit, default and source (see sim/scenario.ParamDocs).
package docs

import _ "embed"

// ODD is the text of ODD.md, the model description (ODD protocol).
//
//go:embed ODD.md
var ODD string
