namespace Ganeti.HTools.Text;

/// <summary>The htools text data could not be parsed.</summary>
public sealed class TextFormatException(string message) : FormatException(message);
