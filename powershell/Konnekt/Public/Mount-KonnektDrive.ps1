function Mount-KonnektDrive {
    <#
    .SYNOPSIS
    Mounts a SharePoint library or folder as an extra drive: a directory on Linux, a drive letter
    on Windows.
    .DESCRIPTION
    Calls drive.mount for a namespace path (tenant/site/library[/folder...]) or a SharePoint URL.
    Every library is always visible under the Konnekt mount root; this adds a shortcut mount at a
    place of your choice. Pipe libraries from Get-KonnektLibrary. With -Persist the drive is
    mounted again whenever the daemon starts.
    .PARAMETER Path
    Namespace path tenant/site/library[/folder...] or a SharePoint URL. Accepts pipeline input by
    property name (Path of Konnekt.Library, Konnekt.Site or Konnekt.Drive objects).
    .PARAMETER MountPoint
    Linux/macOS: the directory to mount at. Relative paths are resolved against the current
    location. Default: chosen by the daemon.
    .PARAMETER DriveLetter
    Windows: the drive letter, e.g. S or S:.
    .PARAMETER Name
    Display name of the drive. Default: the library title.
    .PARAMETER Persist
    Mount the drive again at every daemon start.
    .PARAMETER WhatIf
    Shows what would happen without mounting.
    .PARAMETER Confirm
    Asks for confirmation before mounting.
    .EXAMPLE
    Mount-KonnektDrive -Path contoso/Marketing/Documents -MountPoint ~/Marketing

    Mounts the Documents library of the Marketing site at ~/Marketing.
    .EXAMPLE
    Get-KonnektLibrary -Site Marketing | Mount-KonnektDrive -DriveLetter M -Persist

    Maps the Marketing library to M: on Windows, also after the next logon.
    .INPUTS
    Konnekt.Library, or objects with a Path property.
    .OUTPUTS
    Konnekt.Drive
    .LINK
    Dismount-KonnektDrive
    .LINK
    Get-KonnektDrive
    #>
    [CmdletBinding(DefaultParameterSetName = 'MountPoint', SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Konnekt.Drive')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [Parameter(ParameterSetName = 'MountPoint', Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string]$MountPoint,

        [Parameter(Mandatory, ParameterSetName = 'DriveLetter')]
        [ValidatePattern('^[A-Za-z]:?$')]
        [string]$DriveLetter,

        [ValidateNotNullOrEmpty()]
        [string]$Name,

        [switch]$Persist
    )
    process {
        $params = [ordered]@{ path = $Path }
        $where = 'the default place'
        if ($PSCmdlet.ParameterSetName -eq 'DriveLetter') {
            if (-not (Test-KonnektWindow)) {
                $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -Code 'invalidArgument' -Message '-DriveLetter is for Windows; use -MountPoint with a directory on this system.' -TargetObject $DriveLetter))
                return
            }
            $params.mountPoint = $DriveLetter.Substring(0, 1).ToUpperInvariant() + ':'
            $where = $params.mountPoint
        } elseif ($MountPoint) {
            $params.mountPoint = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($MountPoint)
            $where = $params.mountPoint
        }
        if ($Name) { $params.name = $Name }
        if ($Persist) { $params.persist = $true }
        if (-not $PSCmdlet.ShouldProcess($Path, "Mount at $where")) { return }
        try {
            $drive = Invoke-KonnektRpc -Method 'drive.mount' -Params $params -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        ConvertTo-KonnektObject -InputObject $drive -TypeName 'Konnekt.Drive'
    }
}
