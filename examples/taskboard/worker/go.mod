module example.com/taskboard/worker

go 1.22
