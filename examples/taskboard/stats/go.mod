module example.com/taskboard/stats

go 1.22
