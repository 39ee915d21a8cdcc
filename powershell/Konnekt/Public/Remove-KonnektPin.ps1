function Remove-KonnektPin {
    <#
    .SYNOPSIS
    Unpins a file or folder, so its cached content may be evicted again.
    .DESCRIPTION
    Calls cache.unpin. The files stay visible and readable; their content is fetched on demand.
    .PARAMETER Path
    Local path or namespace path. Accepts pipeline input.
    .PARAMETER NoRecurse
    Unpin only the folder's own files, not its subfolders.
    .PARAMETER WhatIf
    Shows what would happen without unpinning.
    .PARAMETER Confirm
    Asks for confirmation before unpinning.
    .EXAMPLE
    Remove-KonnektPin -Path ~/Marketing/Campaign

    Lets the Campaign folder be evicted from the cache again.
    .EXAMPLE
    Add-KonnektPin contoso/Sales/Documents/Q3 | Remove-KonnektPin

    Pins a folder and unpins it again (Konnekt.Pin objects carry the Path).
    .INPUTS
    System.String, System.IO.FileSystemInfo, or objects with a Path property.
    .OUTPUTS
    None.
    .LINK
    Add-KonnektPin
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [switch]$NoRecurse
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        if (-not $PSCmdlet.ShouldProcess($itemPath, 'Unpin')) { return }
        $params = [ordered]@{ path = $itemPath }
        # Always explicit: a daemon that defaulted to non-recursive would refuse a folder.
        $params.recursive = -not $NoRecurse
        try {
            $null = Invoke-KonnektRpc -Method 'cache.unpin' -Params $params -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
        }
    }
}
