function Resolve-KonnektItemPath {
    <#
    .SYNOPSIS
    Turns what the user typed into an ItemPath for the daemon: a full local path, or a namespace
    path tenant/site/library/... left as it is.
    .DESCRIPTION
    A rooted path (/home/u/Konnekt/x, S:\x) is a local path. A relative path that exists on disk,
    or starts with . or ~, is resolved against the current location, as every file cmdlet does.
    Anything else (contoso/Marketing/Documents/a.docx) is a namespace path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet]$Cmdlet,

        [Parameter(Mandatory)]
        [string]$Path
    )
    if ([System.IO.Path]::IsPathRooted($Path)) {
        return $Path
    }
    if ($Path -match '^(\.|~)' -or (Test-Path -LiteralPath $Path)) {
        return $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
    }
    return $Path
}
