using Ganeti.HTools.Bench;

return BenchMain.Run(args);
