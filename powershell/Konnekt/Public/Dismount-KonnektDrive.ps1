function Dismount-KonnektDrive {
    <#
    .SYNOPSIS
    Unmounts a Konnekt drive.
    .DESCRIPTION
    Calls drive.unmount. Pending uploads of files on the drive continue in the background; the
    library stays visible under the Konnekt mount root. Drives mapped by the administrator
    (Managed) cannot be unmounted.
    .PARAMETER Drive
    The drive's id, name or mount point (directory or drive letter). Accepts pipeline input by
    property name (Id of Konnekt.Drive objects).
    .PARAMETER WhatIf
    Shows what would happen without unmounting.
    .PARAMETER Confirm
    Asks for confirmation before unmounting.
    .EXAMPLE
    Dismount-KonnektDrive -Drive ~/Marketing

    Unmounts the drive mounted at ~/Marketing.
    .EXAMPLE
    Get-KonnektDrive | Where-Object { -not $_.Managed -and $_.Path } | Dismount-KonnektDrive

    Unmounts every extra drive the user mounted.
    .INPUTS
    Konnekt.Drive, or objects with an Id property.
    .OUTPUTS
    None.
    .LINK
    Mount-KonnektDrive
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string]$Drive
    )
    process {
        $target = $Drive
        if ($Drive -match '^[~.]') { $target = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Drive) }
        if (-not $PSCmdlet.ShouldProcess($target, 'Unmount')) { return }
        try {
            $null = Invoke-KonnektRpc -Method 'drive.unmount' -Params @{ drive = $target } -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Drive))
        }
    }
}
