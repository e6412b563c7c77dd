namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>Writes OS definitions for tests, in the layout of the OS interface.</summary>
public static class TestOs
{
    /// <summary>
    /// An API 20 definition with variants (default, minimal, broken) and parameters (dhcp,
    /// root-password). create writes its environment next to disk 0 and fails for variant
    /// broken after printing 30 lines; verify accepts dhcp yes/no only.
    /// </summary>
    public static string WriteApi20(string searchDir, string name = "testos")
    {
        var dir = Path.Combine(searchDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ganeti_api_version"), "20\n15\n");
        File.WriteAllText(Path.Combine(dir, "variants.list"), "default\nminimal\n# a comment\n\nbroken\n");
        File.WriteAllText(Path.Combine(dir, "parameters.list"), "dhcp Whether the instance uses DHCP\nroot-password The initial root password\n");
        Script(dir, "create", """
            #!/bin/sh
            env > "$DISK_0_PATH.env"
            if [ "$OS_VARIANT" = broken ]; then
              i=1
              while [ $i -le 30 ]; do echo "progress line $i"; i=$((i+1)); done
              echo "cannot partition $DISK_0_PATH" >&2
              exit 3
            fi
            if [ "$OSP_DHCP" = hang ]; then sleep 60; fi
            echo "installed $INSTANCE_NAME"
            """);
        Script(dir, "import", """
            #!/bin/sh
            set -e
            env > "$IMPORT_DEVICE.import-env"
            dd of="$IMPORT_DEVICE" conv=notrunc bs=65536 status=none
            """);
        Script(dir, "export", """
            #!/bin/sh
            set -e
            env > "$EXPORT_DEVICE.export-env"
            cat "$EXPORT_DEVICE"
            """);
        Script(dir, "rename", """
            #!/bin/sh
            env > "$DISK_0_PATH.rename-env"
            """);
        Script(dir, "verify", """
            #!/bin/sh
            [ "$1" = parameters ] || { echo "unknown check $1" >&2; exit 2; }
            case "$OSP_DHCP" in
              ""|yes|no|hang) exit 0 ;;
              *) echo "dhcp must be yes or no, not $OSP_DHCP" >&2; exit 1 ;;
            esac
            """);
        return dir;
    }

    public static void Script(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n") + "\n");
        Modes.Set(path, Modes.Exec);
    }

    /// <summary>Parses the output of env(1) as the scripts above write it.</summary>
    public static Dictionary<string, string> ReadEnv(string file) =>
        File.ReadAllLines(file).Where(l => l.Contains('='))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
