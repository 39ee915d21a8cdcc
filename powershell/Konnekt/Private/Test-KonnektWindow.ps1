function Test-KonnektWindow {
    <#
    .SYNOPSIS
    True on Windows (PowerShell 7 and Windows PowerShell 5.1, where $IsWindows does not exist).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()
    return [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
}
