package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/linkbeam/linkbeam/pipelines"
)

func main() {
	links, err := pipelines.ReadLinks(context.Background(), os.Args[1])
	if err != nil {
		panic(err)
	}
	master := map[string]string{}
	for _, l := range links {
		master[l.Source+":"+l.SourceID] = l.MasterID
	}
	f, _ := os.Open(os.Args[2])
	rows, _ := csv.NewReader(f).ReadAll()
	ent := map[string][]string{}
	for _, r := range rows[1:] {
		ent[r[2]] = append(ent[r[2]], r[0]+":"+r[1])
	}
	for e, ks := range ent {
		for i := range ks {
			for j := i + 1; j < len(ks); j++ {
				if master[ks[i]] != master[ks[j]] {
					fmt.Println(e, ks[i], ks[j])
				}
			}
		}
	}
}
