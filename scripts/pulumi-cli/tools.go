//go:build tools

// Package tools pins the Pulumi CLI's main package so `go mod tidy` keeps every
// module it needs in go.sum; scripts/ensure-pulumi-cli.sh builds it from here.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
