namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>
/// An ExtStorage provider for tests: volumes are sparse files in EXTP_DIR attached as loop
/// devices. It fails create on purpose for volumes named fail-*, after writing part of one.
/// </summary>
public static class TestExtProvider
{
    public static string Write(string extStorageDir, string name = "loopfiles")
    {
        var dir = Path.Combine(extStorageDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "parameters.list"), "dir Directory holding the volume files\n");
        TestOs.Script(dir, "create", """
            #!/bin/sh
            set -e
            env > "$EXTP_DIR/$VOL_NAME.create-env"
            truncate -s "${VOL_SIZE}M" "$EXTP_DIR/$VOL_NAME"
            case "$VOL_NAME" in fail-*) echo "out of quota" >&2; exit 5 ;; esac
            """);
        TestOs.Script(dir, "remove", """
            #!/bin/sh
            for d in $(losetup -j "$EXTP_DIR/$VOL_NAME" -O NAME -n); do losetup -d "$d"; done
            rm -f "$EXTP_DIR/$VOL_NAME" "$EXTP_DIR/$VOL_NAME.meta"
            """);
        TestOs.Script(dir, "attach", """
            #!/bin/sh
            set -e
            [ -f "$EXTP_DIR/$VOL_NAME" ] || { echo "no volume $VOL_NAME" >&2; exit 1; }
            dev=$(losetup -j "$EXTP_DIR/$VOL_NAME" -O NAME -n | head -n1)
            [ -n "$dev" ] || dev=$(losetup --show -f "$EXTP_DIR/$VOL_NAME")
            echo "$dev"
            echo "file:$EXTP_DIR/$VOL_NAME"
            """);
        TestOs.Script(dir, "detach", """
            #!/bin/sh
            for d in $(losetup -j "$EXTP_DIR/$VOL_NAME" -O NAME -n); do losetup -d "$d"; done
            exit 0
            """);
        TestOs.Script(dir, "grow", """
            #!/bin/sh
            set -e
            [ "$VOL_NEW_SIZE" -gt "$VOL_SIZE" ]
            truncate -s "${VOL_NEW_SIZE}M" "$EXTP_DIR/$VOL_NAME"
            for d in $(losetup -j "$EXTP_DIR/$VOL_NAME" -O NAME -n); do losetup -c "$d"; done
            """);
        TestOs.Script(dir, "setinfo", """
            #!/bin/sh
            echo "$VOL_METADATA" > "$EXTP_DIR/$VOL_NAME.meta"
            """);
        TestOs.Script(dir, "verify", """
            #!/bin/sh
            [ -d "$EXTP_DIR" ] || { echo "dir '$EXTP_DIR' does not exist" >&2; exit 1; }
            """);
        TestOs.Script(dir, "snapshot", """
            #!/bin/sh
            cp --sparse=always "$EXTP_DIR/$VOL_NAME" "$EXTP_DIR/$VOL_SNAPSHOT_NAME"
            """);
        return dir;
    }
}
