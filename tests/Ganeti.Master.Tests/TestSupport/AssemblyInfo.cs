// These tests drive Linux facilities (file modes, processes, OS scripts).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
